#!/usr/bin/env python3
"""Builds provisio-words.txt, the passphrase word list of `provisio passwords`.

Source: Debian's wamerican-small dictionary (/usr/share/dict/american-english-small),
which scripts/install-deps installs. Selection, deterministic:
  1. lower-case ASCII words of 4 to 6 letters (no proper nouns, no apostrophes);
  2. drop inflected forms whose base is also in the dictionary (plurals "-s"/"-es",
     past tenses "-ed", "-ing" forms, "-er"/"-est" comparatives), so that the list
     holds distinct, easy words;
  3. drop words on a short hand-written list of offensive or unpleasant words;
  4. sort by (length, word) and keep the first 4096 = 2^12 words, so every word
     adds exactly 12 bits of entropy.
Run: python3 data/wordlists/make-wordlist.py > data/wordlists/provisio-words.txt
"""
import re
import sys

SOURCE = "/usr/share/dict/american-english-small"
TARGET_SIZE = 4096

# Words a device label should not show. Short and deliberately conservative.
UNWANTED = set("""
abort anal anus arse bitch bloody bomb bong booze boob breast butt crap cock coon crack
cripple cum damn dead death dick die dildo drug drunk dumb dyke fag fart fatso gay gun
hate hell homo horny idiot jerk jew kill killer knife lust moron murder nazi nigger nude
opium orgy pee penis piss poop porn prick pube pussy queer racist rape rapist retard rum
satan scum semen sex sexy shit slave slut smut spank sperm stab suck suicide tit tits
turd twat urine vomit weed whore wank gore corpse coffin bigot cult crook thug toxic
""".split())


def main() -> int:
    with open(SOURCE, encoding="utf-8", errors="replace") as f:
        words = {w.strip() for w in f}
    base = {w for w in words if re.fullmatch(r"[a-z]+", w)}
    chosen = []
    for w in sorted(base):
        if not re.fullmatch(r"[a-z]{4,6}", w) or w in UNWANTED:
            continue
        inflected = False
        for suffix, strip in (("s", 1), ("es", 2), ("ed", 2), ("ed", 1), ("ing", 3),
                              ("ing", 3), ("er", 2), ("er", 1), ("est", 3), ("est", 2), ("ly", 2)):
            if w.endswith(suffix) and len(w) - strip >= 3 and w[:-strip] in base:
                inflected = True
                break
        if not inflected:
            chosen.append(w)
    chosen.sort(key=lambda w: (len(w), w))
    if len(chosen) < TARGET_SIZE:
        print(f"only {len(chosen)} words", file=sys.stderr)
        return 1
    for w in sorted(chosen[:TARGET_SIZE]):
        print(w)
    return 0


if __name__ == "__main__":
    sys.exit(main())
