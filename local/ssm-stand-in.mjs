// A local stand-in for SSM: GetParameters (the one SSM call the functions make) answers SecureStrings, decrypted,
// from SSM_PARAMETERS (a JSON object, name -> value) in its environment; names it does not hold come back in
// InvalidParameters, as SSM answers names that do not exist. PutParameter changes them as an operator does
// (`aws ssm put-parameter`, e.g. a rotation), refusing to replace one without Overwrite.
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
      const target = req.headers['x-amz-target'];
      if (target !== 'AmazonSSM.GetParameters' && target !== 'AmazonSSM.PutParameter')
        return answer(400, {
          __type: 'InvalidAction',
          message: 'this stand-in answers GetParameters and PutParameter only',
        });
      let input;
      try {
        input = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        return answer(400, { __type: 'SerializationException' });
      }
      if (target === 'AmazonSSM.PutParameter') {
        if (typeof input.Name !== 'string' || typeof input.Value !== 'string')
          return answer(400, { __type: 'ValidationException', message: 'Name and Value are required' });
        if (Object.hasOwn(parameters, input.Name) && input.Overwrite !== true)
          return answer(400, {
            __type: 'ParameterAlreadyExists',
            message:
              'The parameter already exists. To overwrite this value, set the overwrite option in the request to true.',
          });
        parameters[input.Name] = input.Value;
        return answer(200, { Version: 1, Tier: 'Standard' });
      }
      const names = input.Names;
      if (!Array.isArray(names) || names.length === 0 || names.length > 10)
        return answer(400, { __type: 'ValidationException', message: 'Names: 1 to 10' });
      const found = names.filter((name) => Object.hasOwn(parameters, name));
      answer(200, {
        Parameters: found.map((name) => ({ Name: name, Type: 'SecureString', Value: parameters[name], Version: 1 })),
        InvalidParameters: names.filter((name) => !found.includes(name)),
      });
    });
  });
}
