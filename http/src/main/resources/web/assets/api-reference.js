// The API reference at /docs/api: Swagger UI (served from its webjar) over the node's own OpenAPI document.
window.SwaggerUIBundle({
  url: '/api/v1/openapi.json',
  dom_id: '#swagger-ui',
  deepLinking: true,
  // no "Try it out" calls from the reference page: it documents, the merchant's code calls
  supportedSubmitMethods: [],
  validatorUrl: null,
});
