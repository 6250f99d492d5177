#!/usr/bin/env python3
"""Decodes what `nats sub --raw` wrote and shows it readably (display only: the
capture itself comes from the real NATS CLI).

    python3 scripts/interop/show_capture.py CAPTURE [--expect CLIENT.json]

`nats sub --raw` writes each payload as it is, followed by a newline unless the
payload already ends with one. msgpack is self-delimiting, so the file is read
as a stream of msgpack objects: maps are messages, a lone 10 (0x0a, the
newline) is a separator. With --expect, the decoded messages must equal the
ones the Python client saved (same order, same fields); exit status 1 if not.
"""

import argparse
import json
import sys

import msgpack


def decode(path):
    with open(path, "rb") as f:
        data = f.read()
    unpacker = msgpack.Unpacker(raw=False, strict_map_key=False)
    unpacker.feed(data)
    messages, stray = [], []
    for obj in unpacker:
        if isinstance(obj, dict):
            messages.append(obj)
        elif obj != 10:  # 10 is the newline nats appends after a payload
            stray.append(obj)
    return len(data), messages, stray


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("capture")
    parser.add_argument("--expect", help="JSON list of the messages the Python client received")
    args = parser.parse_args()

    size, messages, stray = decode(args.capture)
    print(f"nats CLI capture {args.capture}: {size} bytes, {len(messages)} msgpack maps")
    for m in messages:
        if m.get("type") == "transcription":
            flags = ",".join(f for f in ("is_partial", "is_final", "end_of_stream") if m.get(f))
            print(f"  {m.get('session_id')} #{m.get('sequence')} [{flags}] {m.get('transcript')!r}")
        else:
            print(f"  {m.get('session_id')} {m.get('type')}: "
                  + ", ".join(f"{k}={v!r}" for k, v in m.items() if k not in ("type", "session_id")))
    ok = True
    if stray:
        print(f"  unexpected non-map data in the capture: {stray[:5]!r}")
        ok = False
    if args.expect:
        with open(args.expect, encoding="utf-8") as f:
            expected = json.load(f)
        got = json.loads(json.dumps(messages))  # the same JSON round trip as the client's file
        if got == expected:
            print(f"  identical to the {len(expected)} messages the Python client received")
        else:
            print(f"  MISMATCH: the Python client received {len(expected)} messages, "
                  f"the nats CLI {len(got)}")
            for i, (a, b) in enumerate(zip(expected, got)):
                if a != b:
                    print(f"    first difference at message {i}:\n      client: {a}\n      cli:    {b}")
                    break
            ok = False
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
