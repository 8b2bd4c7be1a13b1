"""samskab's headless engine: process definitions, cases, deadlines and plugins.

Importing this package does no I/O and never imports the terminal UI; build an
:class:`engine.core.Engine` with :func:`engine.core.open_engine` to work with a database.
"""

__version__ = "0.1.0"
