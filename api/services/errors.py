"""Domain errors raised by services; the app maps them to HTTP statuses."""


class ServiceError(Exception):
    """Base class: a request the data cannot satisfy."""

    def __init__(self, message: str, errors: dict | None = None):
        super().__init__(message)
        self.message = message
        self.errors = errors or {}


class NotFound(ServiceError):
    """The record does not exist."""

    def __init__(self, record: str, record_id):
        super().__init__(f"{record} {record_id} does not exist.")
        self.record = record
        self.record_id = record_id


class Conflict(ServiceError):
    """The write would break a uniqueness or reference rule."""


class InvalidData(ServiceError):
    """A body field is well-formed but wrong for the data (dangling id, bad code).

    ``errors`` maps field names (nested as in the body) to lists of messages.
    """


class InvalidFilter(ServiceError):
    """A query parameter is well-formed but cannot be applied."""
