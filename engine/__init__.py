"""samskab's headless engine: process definitions, cases, deadlines and plugins.

Importing this package does no I/O and never imports the terminal UI. Front ends and
scripts open the service, :func:`samskab.engine.service.open_service`, and work with its
read models; :mod:`samskab.engine.core` is the machinery behind it.
"""

__version__ = "0.1.0"

import logging

# A library's logger stays quiet until its user configures logging (``samskab -v`` does).
logging.getLogger("samskab").addHandler(logging.NullHandler())
