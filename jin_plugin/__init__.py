"""JiN QGIS plugin: the partner analyst's window on the JiN community-safety data hub."""


def classFactory(iface):
    """QGIS entry point: build the plugin (imports deferred so QGIS starts fast)."""
    from jin_plugin.plugin import JinPlugin

    return JinPlugin(iface)
