/**
 * The deliberately vulnerable CORS lab: `startLab()` serves one endpoint per misconfiguration class
 * (and secure controls) on loopback over http and https, each with the exact checks a scan must report.
 */
export { startLab, endpointFor, type Lab, type LabOptions } from './server.js';
export {
  labEndpoints,
  LAB_DOMAIN,
  LAB_APP_ORIGIN,
  type LabEndpoint,
  type LabRequest,
  type LabResponse,
} from './endpoints.js';
export {
  createLabAppHandler,
  startLabApp,
  LAB_APP_PREFIX,
  LAB_APP_THIRD_PARTY_HOST,
  type LabApp,
  type LabAppHandler,
  type LabAppRequest,
} from './app.js';
