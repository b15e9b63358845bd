"""JiN's Processing provider, so its operations run in models, batch and ``qgis_process`` too."""
