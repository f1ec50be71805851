/** The stage name of the stack `npm start` runs (serverless.yml resolved for it, `webhooks --stage local`). */
export const LOCAL_STAGE = 'local';
