// Maps a Salesforce operation onto the Generic REST API (its parent, called by name).
// Paths follow the Salesforce REST API: /services/data/<version>/sobjects/<ObjectType>/<id>.
const p = context.params;
const operation = String(p.Action).toLowerCase();
const base = '/services/data/' + p.ApiVersion + '/sobjects/' + encodeURIComponent(p.ObjectType);
const record = p.RecordId ? '/' + encodeURIComponent(p.RecordId) : '';
const routes = {
  create: ['POST', base, p.Data],
  get: ['GET', base + record, undefined],
  update: ['PATCH', base + record, p.Data],
  delete: ['DELETE', base + record, undefined],
};
const route = routes[operation];
if (!route) {
  throw new Error('Action must be create, get, update or delete, not ' + p.Action);
}
if (operation !== 'create' && !p.RecordId) {
  throw new Error(operation + ' needs a RecordId');
}
return await runAction('Generic REST API', {
  Method: route[0],
  URL: route[1],
  Headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
  Body: route[2],
  ApiConfig: p.Connection,
});
