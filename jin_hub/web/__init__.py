"""The hub's web pages: sign in and make maps in a browser, for partner staff without QGIS.

The pages are static files (HTML, ES modules, MapLibre GL JS served from ``static/vendor``) whose
scripts read data through the same JSON API as every other client, signed in by the session
cookie this package issues, so disclosure control and the audit log are the API's own.
"""
