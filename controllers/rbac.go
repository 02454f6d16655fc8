package controllers

// The manager's permissions, from which `make manifests` generates config/rbac/role.yaml.
//
// +kubebuilder:rbac:groups=vpc.midovpc.io,resources=corenetworks;vpcs;subnets;securitygroups;networkinterfaces;elasticips;routetables;internetgateways;natgateways;networkacls;dhcpoptionsets,verbs=get;list;watch;create;update;patch;delete
// +kubebuilder:rbac:groups=vpc.midovpc.io,resources=corenetworks/status;vpcs/status;subnets/status;securitygroups/status;networkinterfaces/status;elasticips/status;routetables/status;internetgateways/status;natgateways/status;networkacls/status;dhcpoptionsets/status,verbs=update
// Only the global-view runner patches a status: the CoreNetwork's status.globalView.
// +kubebuilder:rbac:groups=vpc.midovpc.io,resources=corenetworks/status,verbs=patch
// +kubebuilder:rbac:groups=vpc.midovpc.io,resources=corenetworks/finalizers;vpcs/finalizers;subnets/finalizers;securitygroups/finalizers;networkinterfaces/finalizers;elasticips/finalizers;routetables/finalizers;internetgateways/finalizers;natgateways/finalizers;networkacls/finalizers;dhcpoptionsets/finalizers,verbs=update
// +kubebuilder:rbac:groups="",resources=events,verbs=create;patch
// The global-view projector checks that its namespace (--namespace) exists; in a cluster the
// administrator creates it (README), the manager may not create namespaces.
// +kubebuilder:rbac:groups="",resources=namespaces,verbs=get
