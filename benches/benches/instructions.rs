//! Instruction counts (gungraun + valgrind): placeholder.
fn main() {}
