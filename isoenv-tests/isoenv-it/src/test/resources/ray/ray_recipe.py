"""isoenv's Ray recipe, as RayRecipeTest runs it: Ray tasks that run on the Python of an environment isoenv packed.

    python ray_recipe.py ENV_PYTHON SHIP_DIR

ENV_PYTHON is the python of the environment unpacked on every node (Isoenv.unpack, or tar), given to runtime_env's
py_executable; SHIP_DIR is a folder that holds the packed archive as env.tar.gz and isoenv-ray-python.sh, given to
runtime_env's working_dir. Connects to the cluster that RAY_ADDRESS names (without it, starts a one-node cluster on
this Python), runs the same task three ways in two jobs (on the cluster's own Python, on the unpacked environment, on
the environment that Ray shipped) and prints one JSON line for each: what the worker saw.
"""
import json
import os
import shlex
import sys

import ray


def probe():
    import os
    import subprocess
    import sys

    import ray

    seen = {"executable": sys.executable, "prefix": sys.prefix, "ray": ray.__version__, "ray_file": ray.__file__}
    try:
        import isoenv_demo_greeter

        seen["tool"] = isoenv_demo_greeter.__file__
        script = os.path.join(os.path.dirname(sys.executable), "isoenv-greet")
        seen["script"] = subprocess.run([script], capture_output=True, text=True, check=True).stdout.strip()
    except ImportError as e:
        seen["tool"] = "missing: " + str(e)
    return seen


def main(env_python, ship):
    # The cluster named by RAY_ADDRESS; without one, a one-node cluster started here, on this Python.
    local = {"log_to_driver": False}
    if not os.environ.get("RAY_ADDRESS"):
        local.update(num_cpus=2, include_dashboard=False)
    remote = ray.remote(probe)
    # A job on the cluster as it is; its tasks run on the cluster's Python, or on the environment that is unpacked on
    # every node at the same path (a task's runtime_env). Ray runs py_executable through bash, so a path with spaces
    # must be quoted.
    ray.init(**local)
    try:
        for way, runtime_env in (("cluster", {}), ("unpacked", {"py_executable": shlex.quote(env_python)})):
            seen = ray.get(remote.options(runtime_env=runtime_env).remote(), timeout=600)
            print(json.dumps({"way": way, **seen}), flush=True)
    finally:
        ray.shutdown()
    # A job whose every task runs on the environment that Ray ships: a local working_dir is uploaded once per job
    # (Ray accepts a local folder only in the job's runtime_env, not a task's), and each node unpacks the archive once.
    ray.init(**local, runtime_env={"working_dir": ship, "py_executable": "sh isoenv-ray-python.sh"})
    try:
        seen = ray.get(remote.remote(), timeout=600)
        print(json.dumps({"way": "shipped", **seen}), flush=True)
    finally:
        ray.shutdown()


if __name__ == "__main__":
    main(*sys.argv[1:])
