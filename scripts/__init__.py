"""Developer scripts (run from the project root); the tests import some of their functions."""
