"""letters: collections correspondence (reminders, demands, lawyer's letters) as PDF and DOCX."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("letters")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"

__all__ = ["__version__"]
