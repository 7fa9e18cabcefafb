/** SIP dialogs (RFC 3261 §12): the dialog record and in-dialog request building. */
export {
  DialogError, acceptRemoteSeq, confirmDialog, confirmUacDialog, createUacDialog, createUasDialog, nextLocalSeq,
  refreshTarget, requestMatches, withoutTag, type Dialog, type DialogResult, type DialogState, type RemoteSeqCheck,
} from './dialog.js';
export { buildAck, buildInDialogRequest, routeFor, type InDialogRequestOptions } from './request.js';
