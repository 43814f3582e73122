#!/usr/bin/env python3
"""Compares two machines' timings of the same schedules (README, "Second reference run").

    scripts/compare-machines.py FIRST.db SECOND.db

A schedule is the same on both when its pipeline name and feature hash are: Adams2019
samples identical schedules from identical seeds. Prints the runtime ratio of SECOND to
FIRST, how well FIRST's time times that common ratio predicts SECOND's, how often both
order two schedules of a pipeline the same way, and whether both flag the same schedules
as computing wrong values (difference above 0.01, as training does).
"""
import itertools
import math
import sqlite3
import statistics
import sys
from collections import Counter

# kWrongOutputDifference in src/measure/output_check.h: above it a schedule computes wrong values.
WRONG_OUTPUT_DIFFERENCE = 0.01
# One row per schedule whose outputs were checked: its fastest timing and its largest
# output difference.
# Each database holds one machine's timings (README, "Second reference run").
SCHEDULES = """
SELECT p.name, s.feature_hash, min(m.min_ms), max(c.max_relative_difference) FROM schedules s
JOIN pipelines p ON p.id = s.pipeline_id JOIN measurements m ON m.schedule_id = s.id
JOIN output_checks c ON c.schedule_id = s.id GROUP BY s.id"""


def schedules(path):
    """{(pipeline name, feature hash): (runtime in ms, whether its outputs are wrong)}"""
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        return {(name, h): (ms, difference > WRONG_OUTPUT_DIFFERENCE)
                for name, h, ms, difference in db.execute(SCHEDULES)}
    except sqlite3.Error as error:
        sys.exit(f"compare-machines: cannot read '{path}' as a gnnperf dataset: {error}")


def correct_runtimes(rows):
    return {k: ms for k, (ms, wrong) in rows.items() if not wrong}


def main(first_path, second_path):
    first_rows, second_rows = schedules(first_path), schedules(second_path)
    first, second = correct_runtimes(first_rows), correct_runtimes(second_rows)
    common = sorted(set(first) & set(second))
    if not common:
        sys.exit("compare-machines: the two databases share no correct schedule")
    print(f"correct schedules: {len(second)} in {second_path}, {len(common)} of them in {first_path}")
    logs = [math.log(second[k] / first[k]) for k in common]
    mean = statistics.mean(logs)
    print(f"second / first runtime: geometric mean {math.exp(mean):.2f}x, median "
          f"{math.exp(statistics.median(logs)):.2f}x, SD of the log {statistics.pstdev(logs):.3f}")
    ape = [abs(math.exp(x - mean) - 1) for x in logs]
    print(f"first x common ratio as a prediction of second: MAPE {100 * statistics.mean(ape):.1f}%, "
          f"median APE {100 * statistics.median(ape):.1f}%")
    by_pipeline = {}
    for k in common:
        by_pipeline.setdefault(k[0], []).append(k)
    same = opposite = 0
    for keys in by_pipeline.values():
        for a, b in itertools.combinations(keys, 2):
            sign = (first[a] - first[b]) * (second[a] - second[b])
            same += sign > 0
            opposite += sign < 0
    if same + opposite:
        print(f"pairs within a pipeline ordered alike: {same / (same + opposite):.3f} of "
              f"{same + opposite} ({sum(len(v) > 1 for v in by_pipeline.values())} pipelines)")
    both = set(first_rows) & set(second_rows)
    verdicts = Counter((first_rows[k][1], second_rows[k][1]) for k in both)
    print(f"checked on both: {len(both)}; wrong on both {verdicts[(1, 1)]}, only on first "
          f"{verdicts[(1, 0)]}, only on second {verdicts[(0, 1)]}")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: scripts/compare-machines.py FIRST.db SECOND.db")
    main(sys.argv[1], sys.argv[2])
