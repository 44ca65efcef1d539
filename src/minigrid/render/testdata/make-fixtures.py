"""Step 2 of regenerating minigrid-render.json: hashes of what Minigrid 3.1.0 itself draws.

    python3 src/minigrid/render/testdata/make-fixtures.py /work/refs/mg /tmp/render-states.json \
        > src/minigrid/render/testdata/minigrid-render.json

Needs only numpy and the Minigrid source tree (its package __init__, which pulls in gymnasium and
pygame, is skipped). Tiles come from Grid.render_tile for every object encoding, agent direction and
highlight at two tile sizes; frames come from MiniGridEnv.get_full_render / get_pov_render, whose
source is lifted from minigrid_env.py and run on the states dump-states.mjs printed.
Each image is hashed as sha256 of its uint8 RGB bytes (row-major), first 16 hex digits.
"""
import ast, hashlib, json, os, sys, types
import numpy as np

ref, states_path = sys.argv[1], sys.argv[2]
pkg = types.ModuleType("minigrid")
pkg.__path__ = [os.path.join(ref, "minigrid")]
sys.modules["minigrid"] = pkg
from minigrid.core.constants import DIR_TO_VEC, TILE_PIXELS  # noqa: E402
from minigrid.core.grid import Grid  # noqa: E402
from minigrid.core.world_object import WorldObj  # noqa: E402


def digest(img):
    return hashlib.sha256(np.ascontiguousarray(img).astype(np.uint8).tobytes()).hexdigest()[:16]


encodings = [None]
for t in (2, 3, 5, 6, 7):  # wall, floor, key, ball, box in every colour
    encodings += [(t, c, 0) for c in range(6)]
encodings += [(4, c, s) for c in range(6) for s in (0, 1, 2)]  # doors: open, closed, locked
encodings += [(8, 1, 0), (9, 0, 0)]  # goal, lava

tiles = {}
for ts in (32, 11):
    for enc in encodings:
        obj = WorldObj.decode(*enc) if enc else None
        for d in (None, 0, 1, 2, 3):
            for hl in (False, True):
                img = Grid.render_tile(obj, agent_dir=d, highlight=hl, tile_size=ts)
                key = f"{'-' if enc is None else ','.join(map(str, enc))}|{'-' if d is None else d}|{int(hl)}|{ts}"
                tiles[key] = digest(img)

src = open(os.path.join(ref, "minigrid", "minigrid_env.py")).read()
cls = next(n for n in ast.parse(src).body if isinstance(n, ast.ClassDef) and n.name == "MiniGridEnv")
wanted = {"get_view_exts", "gen_obs_grid", "get_full_render", "get_pov_render", "dir_vec", "right_vec"}
body = [n for n in cls.body if isinstance(n, ast.FunctionDef) and n.name in wanted]
mod = ast.Module(body=[ast.ClassDef(name="Env", bases=[], keywords=[], body=body, decorator_list=[], type_params=[])], type_ignores=[])
ns = {"np": np, "Grid": Grid, "DIR_TO_VEC": DIR_TO_VEC, "TILE_PIXELS": TILE_PIXELS}
exec(compile(ast.fix_missing_locations(mod), "minigrid_env.py", "exec"), ns)

frames = []
for st in json.load(open(states_path)):
    e = ns["Env"]()
    e.width, e.height = st["width"], st["height"]
    e.grid = Grid.decode(np.array(st["grid"], dtype=np.uint8).reshape(e.width, e.height, 3))[0]
    e.agent_pos, e.agent_dir = tuple(st["agentPos"]), st["agentDir"]
    e.carrying = WorldObj.decode(*st["carrying"]) if st["carrying"] else None
    e.agent_view_size, e.see_through_walls = st["agentViewSize"], st["seeThroughWalls"]
    for ts in (32, 9):
        frames.append({
            "env": st["env"], "seed": st["seed"], "actions": st["actions"], "tileSize": ts,
            "full": digest(e.get_full_render(True, ts)),
            "plain": digest(e.get_full_render(False, ts)),
            "agentView": digest(e.get_pov_render(ts)),
        })

json.dump({
    "source": "Farama Minigrid 3.1.0 (numpy " + np.__version__ + "), by make-fixtures.py",
    "hash": "sha256 of the uint8 RGB bytes, row-major, first 16 hex digits",
    "tileKey": "type,color,state (or -) | agent dir (or -) | highlight 0/1 | tile size",
    "tiles": tiles,
    "frames": frames,
}, sys.stdout, indent=1)
print()
