"""samskab's terminal UI, where coordinators run their cases. Built with Textual on top of
the headless engine; start it with ``samskab`` (or ``samskab tui``)."""
