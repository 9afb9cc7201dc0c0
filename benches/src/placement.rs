//! CPU placement: pinning the load generator and the servers to sets of CPUs (Linux only).
//!
//! On a small machine where clients and servers share the cores, where the scheduler puts the
//! threads decides a good part of the latency at low concurrency (a reply that wakes a thread
//! on an idle CPU costs far more than one on a busy CPU), so a comparison names its placement.

use std::fmt;
use std::str::FromStr;

/// The highest CPU index accepted (the size of a Linux `cpu_set_t`, less one).
pub const MAX_CPU: usize = 1023;

/// A non-empty set of CPU indices, written like `0`, `0,1` or `0-3` (as `taskset -c` takes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CpuList(Vec<usize>);

impl CpuList {
    /// The CPU indices, ascending and without repeats.
    pub fn cpus(&self) -> &[usize] {
        &self.0
    }
}

impl FromStr for CpuList {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let bad = || format!("CPU list {text:?}: expected e.g. 0, 0,1 or 0-3");
        let index = |part: &str| {
            part.trim()
                .parse::<usize>()
                .ok()
                .filter(|&cpu| cpu <= MAX_CPU)
                .ok_or_else(bad)
        };
        let mut cpus = Vec::new();
        for part in text.split(',') {
            match part.split_once('-') {
                Some((first, last)) => {
                    let (first, last) = (index(first)?, index(last)?);
                    if first > last {
                        return Err(bad());
                    }
                    cpus.extend(first..=last);
                }
                None => cpus.push(index(part)?),
            }
        }
        cpus.sort_unstable();
        cpus.dedup();
        Ok(CpuList(cpus))
    }
}

impl fmt::Display for CpuList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let texts: Vec<String> = self.0.iter().map(usize::to_string).collect();
        f.write_str(&texts.join(","))
    }
}

/// The default placement: the lowest CPU this process may run on, for the load generator and
/// both servers alike. Sharing one CPU keeps the scheduler from deciding latency: unpinned on a
/// 2-CPU machine, 1x1 latencies jump between two modes (about 16 and 53 µs here) from round to
/// round depending on whether a reply has to wake the other, idle CPU. `None` (not pinned)
/// where the allowed CPUs cannot be read.
pub fn default_cpus() -> Option<CpuList> {
    allowed_cpus().map(|cpus| CpuList(cpus.0[..1].to_vec()))
}

/// The placement for throughput: each server on the lowest allowed CPU, the load generator on
/// the next one, so a server is measured on a core of its own rather than on what the load
/// generator leaves it. `(load generator, servers)`; `None` with fewer than two allowed CPUs.
pub fn split_cpus() -> Option<(CpuList, CpuList)> {
    let cpus = allowed_cpus()?;
    match cpus.0[..] {
        [server, client, ..] => Some((CpuList(vec![client]), CpuList(vec![server]))),
        _ => None,
    }
}

/// The CPUs this process may run on, ascending; `None` if they cannot be read.
#[cfg(target_os = "linux")]
fn allowed_cpus() -> Option<CpuList> {
    // SAFETY: all zeroes is the empty `cpu_set_t`; `sched_getaffinity` writes at most
    // `size_of::<cpu_set_t>()` bytes into it; `CPU_ISSET` reads indices below its capacity.
    unsafe {
        let mut set: libc::cpu_set_t = std::mem::zeroed();
        if libc::sched_getaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &mut set) != 0 {
            return None;
        }
        let cpus: Vec<usize> = (0..=MAX_CPU)
            .filter(|&cpu| libc::CPU_ISSET(cpu, &set))
            .collect();
        (!cpus.is_empty()).then_some(CpuList(cpus))
    }
}

/// Not known: pinning is implemented on Linux only.
#[cfg(not(target_os = "linux"))]
fn allowed_cpus() -> Option<CpuList> {
    None
}

/// Parses a placement flag: a CPU list, or `any` for no pinning.
pub fn parse_flag(text: &str) -> Result<Option<CpuList>, String> {
    if text.trim().eq_ignore_ascii_case("any") {
        Ok(None)
    } else {
        text.parse().map(Some)
    }
}

/// Pins the calling thread, and so every thread it starts afterwards, to `cpus`. Call it
/// before building a runtime so that all of the runtime's threads stay on those CPUs.
#[cfg(target_os = "linux")]
pub fn pin_current_thread(cpus: &CpuList) -> Result<(), String> {
    // SAFETY: `cpu_set_t` is plain data for which all zeroes is the empty set; `CPU_SET` is
    // given indices below its capacity (checked when parsing); `sched_setaffinity` reads
    // exactly `size_of::<cpu_set_t>()` bytes from a set that lives across the call.
    let result = unsafe {
        let mut set: libc::cpu_set_t = std::mem::zeroed();
        for &cpu in cpus.cpus() {
            libc::CPU_SET(cpu, &mut set);
        }
        libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &set)
    };
    if result == 0 {
        Ok(())
    } else {
        let err = std::io::Error::last_os_error();
        Err(format!("cannot pin to CPUs {cpus}: {err}"))
    }
}

/// Pinning needs Linux.
#[cfg(not(target_os = "linux"))]
pub fn pin_current_thread(cpus: &CpuList) -> Result<(), String> {
    Err(format!(
        "cannot pin to CPUs {cpus}: CPU pinning is implemented on Linux only"
    ))
}

/// How a run places its processes, for the report.
pub fn describe(client: Option<&CpuList>, servers: Option<&CpuList>) -> String {
    let place = |cpus: Option<&CpuList>| match cpus {
        Some(cpus) => format!("CPU {cpus}"),
        None => "any CPU".to_owned(),
    };
    format!(
        "load generator on {}, each server on {}",
        place(client),
        place(servers)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_lists_parse_like_taskset() {
        assert_eq!("0".parse::<CpuList>().unwrap().cpus(), &[0]);
        assert_eq!("3,0-1,1".parse::<CpuList>().unwrap().cpus(), &[0, 1, 3]);
        assert_eq!("0-2".parse::<CpuList>().unwrap().to_string(), "0,1,2");
        for bad in ["", "a", "2-1", "1024", "0,"] {
            assert!(bad.parse::<CpuList>().is_err(), "{bad:?}");
        }
    }

    #[test]
    fn placement_flags() {
        assert_eq!(parse_flag("any"), Ok(None));
        assert_eq!(parse_flag("1"), Ok(Some(CpuList(vec![1]))));
        assert!(parse_flag("x").is_err());
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn the_default_is_one_allowed_cpu() {
        assert_eq!(default_cpus().map(|cpus| cpus.cpus().len()), Some(1));
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn pinning_a_thread_to_cpu_0_works() {
        std::thread::spawn(|| pin_current_thread(&"0".parse().unwrap()))
            .join()
            .unwrap()
            .unwrap();
    }
}
