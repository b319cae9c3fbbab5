//! wx-sim: a simulated WeChat web server (placeholder until its issue lands).
