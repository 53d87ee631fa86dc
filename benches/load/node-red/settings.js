// Node-RED settings for the load benchmark: the flow in flows.json, no editor, no
// credentials file, warnings only, so it runs as lean as a production flow would.
module.exports = {
  flowFile: "flows.json",
  flowFilePretty: true,
  uiHost: "127.0.0.1",
  httpAdminRoot: false,
  disableEditor: true,
  credentialSecret: false,
  logging: { console: { level: "warn", metrics: false, audit: false } },
  functionGlobalContext: {},
};
