"""The SYNTHETIC OMOP CDM for `rarebone screen-demo`: a paediatric background population with planted
osteopetrosis, CNO and look-alike trajectories (generator.py), the CDM v5.4 table layout (schema.py), the
writers (writers.py) and a loader for a folder of OMOP CSV/Parquet tables (loader.py)."""
