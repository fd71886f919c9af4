"""psoas: a terminal coach for hip-flexor (psoas) release."""

__version__ = "0.1.0"
