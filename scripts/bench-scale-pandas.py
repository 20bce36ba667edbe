#!/usr/bin/env python3
"""The process stage's read + k-core + split in pandas, for comparison.

Reads an ml-25m-format ratings.csv (userId,movieId,rating,timestamp),
keeps the k-core (movies with >= MIN_MOVIE ratings, then users with >=
MIN_USER, repeated until nothing drops), orders each user's ratings by
(timestamp, movieId), numbers them (position) and splits them temporally
(the last max(1, floor(n*ratio + 0.5)) test, then one validation if at
least 2 remain, the rest train): the same result as bin/process. Prints
one JSON line: seconds per step, rows, peak RSS.

Usage: bench-scale-pandas.py RATINGS_CSV [MIN_USER MIN_MOVIE RATIO]
"""
import json
import resource
import sys
import time

import numpy as np
import pandas as pd


def main():
    path = sys.argv[1]
    min_user = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    min_movie = int(sys.argv[3]) if len(sys.argv) > 3 else 5
    ratio = float(sys.argv[4]) if len(sys.argv) > 4 else 0.2
    t = {}
    t0 = time.perf_counter()
    df = pd.read_csv(path, dtype={"userId": np.int32, "movieId": np.int32, "rating": np.float32, "timestamp": np.int64})
    t["read"] = time.perf_counter() - t0
    n_raw = len(df)

    t0 = time.perf_counter()
    iterations = 0
    while True:
        iterations += 1
        mc = df["movieId"].value_counts()
        df = df[df["movieId"].isin(mc.index[mc >= min_movie])]
        uc = df["userId"].value_counts()
        keep_users = uc.index[uc >= min_user]
        dropped = (mc < min_movie).sum() + (uc < min_user).sum()
        df = df[df["userId"].isin(keep_users)]
        if dropped == 0:
            break
    t["kcore"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    df = df.sort_values(["userId", "timestamp", "movieId"], kind="stable").reset_index(drop=True)
    df["position"] = df.groupby("userId").cumcount().astype(np.int32)
    n = df.groupby("userId")["movieId"].transform("size").to_numpy()
    n_test = np.maximum(1, np.floor(n * ratio + 0.5)).astype(np.int64)
    rest = n - n_test
    n_val = (rest >= 2).astype(np.int64)
    n_train = rest - n_val
    pos = df["position"].to_numpy()
    codes = np.where(pos < n_train, 0, np.where(pos < n_train + n_val, 1, 2)).astype(np.int8)
    df["split"] = pd.Categorical.from_codes(codes, categories=["train", "validation", "test"])
    t["order_split"] = time.perf_counter() - t0

    counts = df["split"].value_counts()
    print(json.dumps({
        "seconds": round(sum(t.values()), 2),
        "steps": {k: round(v, 2) for k, v in t.items()},
        "raw_ratings": n_raw, "ratings": len(df), "users": int(df["userId"].nunique()),
        "movies": int(df["movieId"].nunique()), "kcore_iterations": iterations,
        "train": int(counts["train"]), "validation": int(counts["validation"]), "test": int(counts["test"]),
        "cpu_seconds": round(resource.getrusage(resource.RUSAGE_SELF).ru_utime + resource.getrusage(resource.RUSAGE_SELF).ru_stime, 2),
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
        "pandas": pd.__version__,
    }))


if __name__ == "__main__":
    main()
