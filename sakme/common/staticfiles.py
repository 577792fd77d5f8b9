"""Static files outside development: whitenoise's compressed, hashed copies (a year in the browser's cache)."""

from __future__ import annotations

from whitenoise.storage import CompressedManifestStaticFilesStorage


def _without_source_maps(patterns: tuple) -> tuple:
    return tuple((glob, tuple(p for p in rules if "sourceMappingURL" not in (p if isinstance(p, str) else p[0])))
                 for glob, rules in patterns)


class CompressedManifestStorage(CompressedManifestStaticFilesStorage):
    """whitenoise's storage, leaving `sourceMappingURL` comments as written: vendored bundles name source maps
    that are not vendored (swagger-ui.css.map), and hashing would refuse to run over a reference it cannot find.
    A browser's developer tools then ask for the map and get a 404; nothing else reads it."""

    patterns = _without_source_maps(CompressedManifestStaticFilesStorage.patterns)
