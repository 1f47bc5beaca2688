"""kooperativet: back office for Swedish employment cooperatives."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("kooperativet")
except PackageNotFoundError:  # running from a source tree without an install
    __version__ = "0.0.0"
