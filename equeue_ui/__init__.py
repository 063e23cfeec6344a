"""eQueue: live lab-work queues for university student groups."""

__version__ = "0.1.0"
