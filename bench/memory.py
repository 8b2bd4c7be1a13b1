"""Peak memory of the current process, in MB.

Linux keeps ``ru_maxrss`` across ``exec``, so a measuring subprocess would report its
parent's peak; ``VmHWM`` belongs to the process's own address space and starts afresh.
"""

import resource


def peak_rss_mb() -> float:
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
