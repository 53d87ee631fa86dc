//! MCP (Model Context Protocol) with `rmcp`: the admin's server registry, one pooled client
//! session per server (stdio child processes started lazily and restarted when they exit;
//! streamable HTTP with header auth), tool listing with `inputSchema`, argument validation
//! against it, and tool calls with timeouts.
//!
//! The sessions are in [`pool`]; the admin's registry of servers (rows, secrets, admin
//! rules) and the lookups by server *name* (`tools`, `call`) are the service
//! `backend::mcp_servers`, which goes through this pool.

pub mod pool;
pub mod schema;

pub use pool::{McpPool, PoolError, ServerSpec, ToolInfo, Transport};
