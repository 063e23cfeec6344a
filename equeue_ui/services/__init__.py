"""The service layer: every read and write of the domain goes through these modules."""
