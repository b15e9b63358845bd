"""Plugin logic with no widgets: hub client, fetching, layers, symbology. Testable headless."""
