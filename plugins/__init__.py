"""samskab's built-in plugins: ordinary pluggy plugins, registered like third-party ones."""
