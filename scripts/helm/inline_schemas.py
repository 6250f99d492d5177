#!/usr/bin/env python3
"""Makes standalone Kubernetes JSON schemas for kubeconform from kubernetes-validate's "local"
schemas, which share one _definitions.json through absolute $refs that kubeconform cannot follow
offline. Each $ref is replaced by its definition; a type that contains itself is cut off (any
value accepted below that depth), which only concerns CRD schemas, not the kinds we render.

    inline_schemas.py SRC_DIR DST_DIR deployment-apps-v1.json service-v1.json ...
"""

import copy
import json
import pathlib
import sys


def inline(node, definitions, seen):
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and "#/$defs/" in ref:
            name = ref.split("#/$defs/", 1)[1]
            if name in seen:
                return {}
            return inline(copy.deepcopy(definitions[name]), definitions, seen | {name})
        return {key: inline(value, definitions, seen) for key, value in node.items()}
    if isinstance(node, list):
        return [inline(value, definitions, seen) for value in node]
    return node


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    src, dst = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
    definitions = json.loads((src / "_definitions.json").read_text())["$defs"]
    dst.mkdir(parents=True, exist_ok=True)
    for name in sys.argv[3:]:
        schema = json.loads((src / name).read_text())
        (dst / name).write_text(json.dumps(inline(schema, definitions, frozenset())))


if __name__ == "__main__":
    main()
