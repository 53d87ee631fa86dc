//! MCP (Model Context Protocol) with `rmcp`: the admin's server registry, one pooled client
//! session per server (stdio child processes started lazily and restarted when they exit;
//! streamable HTTP with header auth), tool listing with `inputSchema`, argument validation
//! against it, and tool calls with timeouts.
//!
//! OWNER: MCP helper (issue 4). Signatures are the contract.

/// Pooled client sessions, one per registered server.
#[derive(Default)]
pub struct McpPool {}

impl McpPool {
    pub fn new() -> Self {
        Self::default()
    }
}
