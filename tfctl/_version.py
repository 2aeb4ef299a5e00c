"""The package version, in a module of its own so that core modules can read it without importing
the package face (which names every public class)."""

__version__ = "0.1.0"
