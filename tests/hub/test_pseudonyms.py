"""Keyed pseudonyms are standard HMAC-SHA256 of the normalised input, whatever the secret's length."""

from __future__ import annotations

import hmac

import pandas as pd
import pytest

from jin_hub.ingest.pseudonyms import KEY_HEX, Pseudonymiser, normalised_texts


@pytest.mark.parametrize("secret", [b"s" * 32, b"k" * 64, b"long-secret-" * 10])
def test_keys_are_hmac_sha256_of_the_normalised_input(secret):
    refs = pd.Series(["CR/1", "  cr/1 ", "CR/2", None, ""])
    names = pd.Series(["Ann  Smith", "ann smith", "Bob", "", None])
    dob = pd.Series(["2001-02-03", "2001-02-03", "", "", None])
    single = Pseudonymiser(secret).keys("police_crime", refs)
    expected = hmac.digest(secret, b"police_crime\x1e" + b"cr/1", "sha256").hex()[:KEY_HEX]
    assert single[0] == single[1] == expected
    assert single[2] != single[0] and single[3] is None and single[4] is None
    pair = Pseudonymiser(secret).keys("person", names, dob)
    assert pair[0] == pair[1] == hmac.digest(secret, b"person\x1eann smith\x1f2001-02-03", "sha256").hex()[:KEY_HEX]
    assert pair[2] == hmac.digest(secret, b"person\x1ebob\x1f", "sha256").hex()[:KEY_HEX]
    assert pair[3] is None and pair[4] is None
    assert Pseudonymiser(secret).keys("upn", refs)[0] != expected          # kinds never collide


def test_normalised_texts_match_the_plain_definition():
    tricky = ["NP/24/1", "Ann Smith", "ÉMILE  Zola", " lead", "trail ", "tab\there", "line\nbreak", "nb\xa0sp",
              "em\u2003space", "unit\x1fsep", "nul\x00byte", "ß STRASSE", "ΣΊΣΥΦΟΣ", "", "  ", "a b c"]
    plain = lambda values: [" ".join(v.casefold().split()) for v in values]        # noqa: E731
    for values in (tricky, [v for v in tricky if v.strip() == v and "  " not in v and v.isprintable()],
                   ["REF/1", "ref/2", "Ann Smith"], []):
        assert normalised_texts(values) == plain(values)
    for space in [chr(c) for c in range(128) if chr(c).isspace()]:                # ASCII text is checked apart
        for at in (f"{space}lead", f"trail{space}", f"in{space}{space}side", f"one{space}inside"):
            values = ["NP/24/1", at, "Ann Smith"]
            assert normalised_texts(values) == plain(values)


def test_nearly_distinct_references_are_keyed_row_by_row_alike():
    secret = b"s" * 32
    refs = pd.Series([f"NP/{i:07d}" for i in range(60_000)])
    refs[[5, 6, 7]] = ["np/0000001", " NP/0000001 ", ""]              # repeats once normalised, a blank
    keys = Pseudonymiser(secret).keys("police_crime", refs)
    expected = [hmac.digest(secret, b"police_crime\x1e" + " ".join(r.casefold().split()).encode(), "sha256")
                .hex()[:KEY_HEX] if r.strip() else None for r in refs]
    assert keys.tolist() == expected and keys[5] == keys[6] == keys[1] and keys[7] is None
