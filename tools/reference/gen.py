#!/usr/bin/env python3
"""tools/reference/gen.py - regenerate assets/docs/quartz_reference/index.html.

    python3 tools/reference/gen.py assets/docs/quartz_reference/index.html

The page's prose and tables live in p1..p7.py as data; the tunables, the
source tour and the test reference are read from the tree at generation
time (their files' own header comments), and the example JSON from
stats_snapshot.json (a real /api/stats.json).  Regenerate after changing a
counter, a tunable or a file's header comment, and commit the HTML: the
bake serves the committed file, it does not run this script.
"""
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import p1, p2, p3, p4, p5, p6, p7  # noqa: E402

s = (p1.part1() + p2.part2() + p3.part3() + p4.part4() + p7.part7() + p6.scenarios() + p6.tunables()
     + p5.DESIGN + p6.source_tour() + p6.tests() + p5.glossary() + p5.faq() + p5.FOOTER)
out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(p6.TOP, "assets/docs/quartz_reference/index.html")
with open(out, "w") as f:
    f.write(s)
print(f"{out}: {len(s.encode())} bytes")
