"""Static files in production: hashed names, compressed copies, and module imports that
follow the hashes."""

from servestatic.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """ServeStatic's storage, also rewriting `import … from "./x.js"` in JavaScript
    modules to the hashed name. Otherwise a page loads the new, hashed main.js, which
    imports the unhashed modules, cached for a while: for that while after a deploy a
    browser could run the new entry module against the old ones."""

    support_js_module_import_aggregation = True
