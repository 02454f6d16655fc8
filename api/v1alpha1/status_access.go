package v1alpha1

// Every kind exposes its ReconcileStatus so that the controllers share one reconcile skeleton.

func (o *CoreNetwork) GetReconcileStatus() *ReconcileStatus      { return &o.Status.ReconcileStatus }
func (o *Vpc) GetReconcileStatus() *ReconcileStatus              { return &o.Status.ReconcileStatus }
func (o *Subnet) GetReconcileStatus() *ReconcileStatus           { return &o.Status.ReconcileStatus }
func (o *SecurityGroup) GetReconcileStatus() *ReconcileStatus    { return &o.Status.ReconcileStatus }
func (o *NetworkInterface) GetReconcileStatus() *ReconcileStatus { return &o.Status.ReconcileStatus }
func (o *ElasticIP) GetReconcileStatus() *ReconcileStatus        { return &o.Status.ReconcileStatus }
func (o *RouteTable) GetReconcileStatus() *ReconcileStatus       { return &o.Status.ReconcileStatus }
func (o *InternetGateway) GetReconcileStatus() *ReconcileStatus  { return &o.Status.ReconcileStatus }
func (o *NatGateway) GetReconcileStatus() *ReconcileStatus       { return &o.Status.ReconcileStatus }
func (o *NetworkAcl) GetReconcileStatus() *ReconcileStatus       { return &o.Status.ReconcileStatus }
func (o *DhcpOptionSet) GetReconcileStatus() *ReconcileStatus    { return &o.Status.ReconcileStatus }

// IsReady reports whether the Ready condition is True for the current generation.
func IsReady(generation int64, s *ReconcileStatus) bool {
	if s.ObservedGeneration != generation {
		return false
	}
	for _, c := range s.Conditions {
		if c.Type == ConditionReady {
			return c.Status == "True" && c.ObservedGeneration == generation
		}
	}
	return false
}
