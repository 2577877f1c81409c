#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    cdf_signin::fuzzing::org_projects(data);
});
