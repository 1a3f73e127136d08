/** What Azure accepts for names and labels, as the how-to and ARM's naming rules state them. */
export const COMPUTE_NAME = /^[a-zA-Z](?:[a-zA-Z0-9-]{1,22})[a-zA-Z0-9]$/;
export const WORKSPACE_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_-]{2,32}$/;
export const VM_SIZE = /^[A-Za-z][A-Za-z0-9_]{2,63}$/;
export const LOCATION = /^[a-z][a-z0-9]{2,39}$/;
export const LEAF_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,55}[a-z0-9])?$/;
export const DNS_NAME = /^(?=.{1,253}$)(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+[a-zA-Z]{2,63}$/;
export const SUBNET_NAME = /^[a-zA-Z0-9][\w.-]{0,78}[\w]$|^[a-zA-Z0-9]$/;
export const VNET_NAME = /^[a-zA-Z0-9][\w.-]{0,62}[\w]$|^[a-zA-Z0-9]$/;
