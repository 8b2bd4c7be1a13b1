"""The same three-step process in samskab and in the engines a user could pick instead."""
