// Creates a Contact through its parent, "Call Salesforce API", and returns the new id.
const p = context.params;
const data = { LastName: p.LastName };
if (p.FirstName) data.FirstName = p.FirstName;
if (p.Email) data.Email = p.Email;
if (p.AccountId) data.AccountId = p.AccountId;
const result = await runAction('Call Salesforce API', {
  Action: 'create',
  ObjectType: 'Contact',
  Data: data,
  Connection: p.Connection,
});
if (!result || result.success !== true) {
  throw new Error('Salesforce did not create the contact: ' + JSON.stringify(result && result.errors));
}
return { Id: result.id };
