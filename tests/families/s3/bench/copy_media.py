"""`manage.py copy_media` beside `rclone copy`, local disk to SeaweedFS; prints figures,
asserts nothing.

    .venv/bin/python tests/families/s3/bench/copy_media.py [--small 1000] [--big-mb 200]
        [--rounds 2]

A tree of --small files (1-40 KiB, in nested folders) and one --big-mb file is copied
to a local SeaweedFS by a generated `s3-compatible` project's copy_media and by
Debian's rclone (`apt-get install -y rclone`; the script says so and stops if it is
missing), each into a bucket of its own, then each is run again with nothing to copy.
The two alternate, each round into new buckets, and the wall times (whole processes,
Django's start-up included) are printed side by side with their ratios and each
process's peak RSS. rclone runs with its defaults (4 transfers, 8 checkers).
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[4]))

from cookiecutter.main import cookiecutter  # noqa: E402

from tests.families.s3.server import start_seaweedfs  # noqa: E402
from tests.helpers import TEMPLATE_DIR, clean_env, project_venv  # noqa: E402

MIB = 1024 * 1024
# Runs a command and prints its peak RSS (KiB) on the last line of stderr.
MEASURED = (
    "import resource, subprocess, sys\n"
    "code = subprocess.run(sys.argv[1:]).returncode\n"
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)\n"
    "sys.exit(code)\n"
)


def make_tree(root, small, big_mb):
    sizes = [1024 + (index * 7919) % (39 * 1024) for index in range(small)]
    for index, size in enumerate(sizes):
        path = root / f"uploads/2026/{index % 12 + 1:02d}/{index:016x}/file {index}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(os.urandom(size))
    big = root / "uploads/2026/05/k3v9x0qa7hw2mz4c/video.mp4"
    big.parent.mkdir(parents=True)
    with big.open("wb") as out:
        for _ in range(big_mb):
            out.write(os.urandom(MIB))
    return sum(sizes) + big_mb * MIB


def timed(command, env, cwd=None):
    """(seconds, peak RSS in MiB, output) of a command that must succeed."""
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-c", MEASURED, *map(str, command)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
    )
    seconds = time.monotonic() - started
    if result.returncode:
        raise RuntimeError(f"{command[0]} failed:\n{result.stdout}{result.stderr}")
    *_, peak = result.stderr.strip().splitlines()
    return seconds, int(peak) / 1024, result.stdout


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=1000)
    parser.add_argument("--big-mb", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    rclone = shutil.which("rclone")
    if rclone is None:
        sys.exit("rclone is missing: install Debian's with `apt-get install -y rclone`.")
    version = subprocess.run([rclone, "version"], capture_output=True, text=True).stdout
    print(f"rclone: {version.splitlines()[0]}")

    workdir = Path(tempfile.mkdtemp(prefix="bench-copy-media-"))
    server = None
    try:
        answers = {"storage_provider": "s3-compatible", "use_heroku": False, "use_docker": False}
        root = Path(
            cookiecutter(
                str(TEMPLATE_DIR), no_input=True, output_dir=str(workdir), extra_context=answers
            )
        )
        venv = project_venv(root)
        tree = workdir / "tree"
        total = make_tree(tree, args.small, args.big_mb)
        print(f"Tree: {args.small} small files + one {args.big_mb} MiB file, {total / MIB:.1f} MiB")
        server = start_seaweedfs(workdir / "seaweedfs")
        client = server.client()

        def project_env(bucket):
            return clean_env(
                ENV_FILE=str(root / ".env.example"),
                DATABASE_URL=f"sqlite:///{workdir / 'db.sqlite3'}",
                AWS_STORAGE_BUCKET_NAME=bucket,
                AWS_S3_ENDPOINT_URL=server.endpoint,
                AWS_S3_REGION_NAME="us-east-1",
                AWS_S3_ADDRESSING_STYLE="path",
                AWS_ACCESS_KEY_ID=server.access_key,
                AWS_SECRET_ACCESS_KEY=server.secret_key,
                AWS_S3_CUSTOM_DOMAIN="",
            )

        rclone_env = clean_env(
            RCLONE_CONFIG_BENCH_TYPE="s3",
            RCLONE_CONFIG_BENCH_PROVIDER="Other",
            RCLONE_CONFIG_BENCH_ACCESS_KEY_ID=server.access_key,
            RCLONE_CONFIG_BENCH_SECRET_ACCESS_KEY=server.secret_key,
            RCLONE_CONFIG_BENCH_ENDPOINT=server.endpoint,
            RCLONE_CONFIG_BENCH_REGION="us-east-1",
            RCLONE_CONFIG_BENCH_FORCE_PATH_STYLE="true",
            RCLONE_CONFIG="/dev/null",
        )
        copy_media = [
            venv / "bin" / "python",
            "manage.py",
            "copy_media",
            "--from",
            f"file://{tree}",
        ]
        figures = {key: [] for key in ("cm full", "rc full", "cm noop", "rc noop")}
        peaks = {key: [] for key in figures}
        for round_ in range(1, args.rounds + 1):
            for bucket in (f"copy-media-{round_}", f"rclone-{round_}"):
                client.create_bucket(Bucket=bucket)
            env = project_env(f"copy-media-{round_}")
            target = f"bench:rclone-{round_}/media"
            runs = [
                ("cm full", copy_media, env, root),
                ("rc full", [rclone, "copy", tree, target], rclone_env, None),
                ("cm noop", copy_media, env, root),
                ("rc noop", [rclone, "copy", tree, target], rclone_env, None),
            ]
            for key, command, run_env, cwd in runs:
                seconds, peak, output = timed(command, run_env, cwd)
                figures[key].append(seconds)
                peaks[key].append(peak)
                if key == "cm full" and round_ == 1:
                    print("copy_media's own summary: " + output.strip().splitlines()[-1])
            for bucket in (f"copy-media-{round_}", f"rclone-{round_}"):
                listing = client.list_objects_v2(Bucket=bucket, Prefix="media/", MaxKeys=1000)
                count = listing["KeyCount"] + (1 if listing.get("IsTruncated") else 0)
                if count < min(args.small + 1, 1000):
                    raise RuntimeError(f"{bucket} holds {count} objects")

        def line(label, cm, rc, target):
            cm_s, rc_s = statistics.median(figures[cm]), statistics.median(figures[rc])
            print(
                f"  {label:<22} copy_media {cm_s:6.2f} s ({max(peaks[cm]):5.0f} MiB peak RSS)"
                f"  rclone {rc_s:6.2f} s ({max(peaks[rc]):5.0f} MiB)"
                f"  {cm_s / rc_s:4.2f}x rclone (target <= {target}x)"
                f"  each round: {', '.join(f'{s:.2f}' for s in figures[cm])} vs "
                f"{', '.join(f'{s:.2f}' for s in figures[rc])} s"
            )

        print(f"\nLocal disk to SeaweedFS on loopback, median of {args.rounds} alternating rounds")
        line("full copy", "cm full", "rc full", 1.25)
        line("no-op rerun", "cm noop", "rc noop", 2)
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
