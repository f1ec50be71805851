// A local stand-in for SSM GetParameters (the one SSM call the functions make):
// answers SecureStrings, decrypted, from SSM_PARAMETERS (a JSON object, name -> value) in its environment.
// Names it does not hold come back in InvalidParameters, as SSM answers names that do not exist.
import { createServer } from 'node:http';

export function createSsmStandIn(parameters = JSON.parse(process.env.SSM_PARAMETERS || '{}')) {
  return createServer((req, res) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      const answer = (status, body) => {
        res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
        res.end(JSON.stringify(body));
      };
      if (req.headers['x-amz-target'] !== 'AmazonSSM.GetParameters') return answer(400, { __type: 'InvalidAction', message: 'this stand-in answers GetParameters only' });
      let names;
      try {
        names = JSON.parse(Buffer.concat(chunks).toString('utf8')).Names;
      } catch {
        return answer(400, { __type: 'SerializationException' });
      }
      if (!Array.isArray(names) || names.length === 0 || names.length > 10) return answer(400, { __type: 'ValidationException', message: 'Names: 1 to 10' });
      const found = names.filter((name) => Object.hasOwn(parameters, name));
      answer(200, {
        Parameters: found.map((name) => ({ Name: name, Type: 'SecureString', Value: parameters[name], Version: 1 })),
        InvalidParameters: names.filter((name) => !found.includes(name)),
      });
    });
  });
}
