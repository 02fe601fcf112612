"""Renderers: text, JSON, HTML, PDF, CSV, ICS and charts. Heavy libraries are imported inside functions."""
