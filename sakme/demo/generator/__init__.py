"""The deterministic synthetic population: an SSA registry export, a Worknet export and the linkage truth.

`generate` writes three files into a directory:

- ``ssa_registry.csv``: the Social Service Agency's registry export as a ministry would hand it over
  (UTF-8 with BOM, ``;``, headers in transliterated Georgian, Georgian script, DD.MM.YYYY dates), one row
  per person, households of one to eight members on consecutive rows;
- ``worknet_jobseekers.csv``: the Worknet job-seeker export (UTF-8, ``,``, English headers, names and
  addresses in Latin), partly the same people as in the SSA file with the usual disagreements
  (transliteration variants, typos, mangled personal numbers, swapped date parts, moves), partly people
  who are not in the SSA file;
- ``truth.csv``: which Worknet row is which SSA row, the ground truth for evaluating record linkage.

The same arguments give byte-identical files: every random draw comes from one ``random.Random(seed)``
in a fixed order, and nothing depends on hash order or on the clock (ages count from REFERENCE_DATE).
Rows are written as they are drawn, so memory stays flat however many persons are asked for.
"""

from sakme.demo.generator.files import generate
from sakme.demo.generator.reference import (
    REFERENCE_DATE,
    SPELLING_VARIANTS,
    SSA_HEADER,
    TRUTH_HEADER,
    WORKNET_HEADER,
    load_territory,
)

__all__ = ["REFERENCE_DATE", "SPELLING_VARIANTS", "SSA_HEADER", "TRUTH_HEADER", "WORKNET_HEADER", "generate",
           "load_territory"]
