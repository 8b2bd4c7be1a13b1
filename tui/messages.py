"""Messages the app posts to its screens."""

from textual.message import Message


class DataChanged(Message):
    """Another connection changed the database; screens that show data reload."""
