"""rarebone: decision support for osteopetrosis and chronic nonbacterial osteomyelitis."""

__version__ = "0.1.0"
