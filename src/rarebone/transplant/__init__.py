"""Transplant room: dosing, protocol calendars, engraftment, graft failure, chimerism, GVHD, VOD,
hypercalcaemia. Pure functions over the knowledge base; no files, clock or network."""
